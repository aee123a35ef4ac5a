"""The typer application, its sub-apps and consoles, and the entry point that maps errors to exit codes."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from verifier import __version__
from verifier.errors import ExitCode, VerifierError

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="poam",
    help="CMMC Level 2 POA&M closure verifier: prove each POA&M entry MET, NOT MET or NOT VERIFIED "
    "from real Prowler scans, and write evidence a C3PAO assessor can trace.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich's help renderer imports a Markdown parser, tripling the start-up of `--help`.
    rich_markup_mode=None,
)
mapping_app = typer.Typer(
    help="Build and validate the practice → Prowler check mapping.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(mapping_app, name="mapping")
bundle_app = typer.Typer(help="Check an evidence bundle.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(bundle_app, name="bundle")
# Its help is its callback's docstring: `poam closeout --poam ...` builds, `poam closeout verify DIR` checks.
closeout_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(closeout_app, name="closeout")


def _wrap_at_spaces_only() -> None:
    """Help text wraps between words only: a line ending in `scan-` or `YYYY-MM-`, or a name cut in two, misleads
    a reader who copies it. Typer's bundled click builds its text wrapper on each call, from this module name."""
    from typer._click import _textwrap

    class WholeWords(_textwrap.TextWrapper):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["break_on_hyphens"] = False
            kwargs["break_long_words"] = False  # a name too long for a line overflows whole, never cut
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = WholeWords  # type: ignore[misc]


_wrap_at_spaces_only()


class LazyConsole:
    """A rich ``Console`` made on first use: importing rich's console costs a third of typer's own start,
    and ``poam --version`` or ``--help`` print nothing through it."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


# Text is printed as written, never as rich markup or emoji codes: what the commands print is full of user data
# (organisation names, entry ids, owners, reasons quoting them) and of objective ids such as "3.3.8[a]", which
# markup would swallow as a style tag, and a stray "[/b]" would make rich raise. Styling is given as ``Text``.
out = LazyConsole(soft_wrap=True, markup=False, emoji=False)
err = LazyConsole(stderr=True, markup=False, emoji=False)
STATE = {"debug": False}


def _version(value: bool) -> None:
    if value:
        print(f"poam-verifier {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    STATE["debug"] = debug


def main() -> None:
    """Console-script entry point: run the app, map errors to one line and an exit code.

    Typer's standalone mode already turns usage errors into exit 2 and ``typer.Exit`` into its code;
    our own errors are caught here, once, and anything else is a bug: exit 5 with its traceback. An interrupt
    exits 130, not click's "Aborted!" with 1 (the code of a gate hit, whose outputs a pipeline then reports).
    """
    try:
        with _sigint_interrupts():
            app()
    except Interrupted:
        err.print("interrupted", highlight=False)
        sys.exit(int(ExitCode.INTERRUPTED))
    except VerifierError as exc:
        if STATE["debug"]:
            traceback.print_exc()
        from rich.text import Text

        # The message as text, never markup: "3.3.8[c]" or a path with brackets must print as written.
        err.print(Text.assemble(("error:", "bold red"), " ", exc.message), highlight=False, soft_wrap=True)
        sys.exit(int(exc.exit_code))
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug must not exit 1 (a gate hit)
        _internal_error(exc)


class Interrupted(BaseException):
    """SIGINT, raised in place of ``KeyboardInterrupt``, which click turns into "Aborted!" and exit 1.

    A ``BaseException`` like ``KeyboardInterrupt``: no ``except Exception`` on the way out swallows it, and
    every ``except BaseException`` clean-up (staged files, journals, locks) still runs.
    """


@contextlib.contextmanager
def _sigint_interrupts() -> Iterator[None]:
    """SIGINT raises ``Interrupted`` while the command runs; the previous handler is back afterwards (an
    in-process caller, a test runner, keeps its own). Only the main thread can set a handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _raise_interrupted)
    try:
        yield
    finally:  # None: a handler not set from Python, which cannot be put back; Python's own then
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def _raise_interrupted(_signum: int, _frame: object) -> None:
    raise Interrupted


def _internal_error(exc: Exception) -> None:
    """An exception no layer expected: its traceback (for the bug report), one line saying so, exit 5."""
    from rich.text import Text

    traceback.print_exc()
    err.print(
        Text.assemble(
            ("internal error:", "bold red"),
            f" {type(exc).__name__}: {exc} — a bug in poam-verifier, not a verdict; what it wrote may be "
            "incomplete. Please report it with the traceback above.",
        ),
        highlight=False,
        soft_wrap=True,
    )
    sys.exit(int(ExitCode.INTERNAL))
