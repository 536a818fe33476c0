"""JioNLP prints a banner to stdout on import; keep it out of our JSONL output."""
import contextlib
import io


@contextlib.contextmanager
def quiet():
    with contextlib.redirect_stdout(io.StringIO()):
        yield
