"""Errors and logging: every project exception crosses a pickle intact (workers are processes,
and papermill pickles what a kernel raised); the package logs through ``logging.getLogger("boardpack")``,
which only the command line gives a handler; nothing outside the command line prints."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import pickle
import pkgutil
import signal
from pathlib import Path

import pytest

import boardpack
from boardpack import cli, errors
from boardpack.log import LOGGER_NAME, get_logger, seconds


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def project_exceptions() -> list[type]:
    """Every exception class boardpack.errors defines, and every subclass of one anywhere in the package."""
    for info in pkgutil.walk_packages(boardpack.__path__, "boardpack."):
        if not info.name.startswith(("boardpack.demo.__main__",)):
            importlib.import_module(info.name)
    defined = {c for c in vars(errors).values()
               if inspect.isclass(c) and issubclass(c, BaseException) and c.__module__ == errors.__name__}
    everything = set(defined)
    for cls in defined:
        everything |= {s for s in _all_subclasses(cls) if s.__module__.startswith("boardpack")}
    return sorted(everything, key=lambda c: (c.__module__, c.__qualname__))


def sample(cls: type) -> BaseException:
    """An instance of ``cls`` built from its own signature: ints for int parameters, text for the rest."""
    if "__init__" not in {k for klass in cls.__mro__ if klass.__module__.startswith("boardpack") for k in vars(klass)}:
        return cls(f"{cls.__name__}: something went wrong — do this")
    args = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        args.append(int(signal.SIGTERM) if "int" in str(p.annotation) else f"{p.name} value")
    return cls(*args)


def test_the_list_of_exceptions_is_complete():
    names = {c.__name__ for c in project_exceptions()}
    assert {"BoardPackError", "DataValidationError", "EmptyInputError", "OptionError", "RunInterrupted",
            "ConfigurationError", "FetchError", "BoardPackWarning"} <= names


@pytest.mark.parametrize("cls", project_exceptions(), ids=lambda c: c.__name__)
def test_every_project_exception_survives_a_pickle_as_papermill_pickles_it(cls):
    exc = sample(cls)
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc)
    assert str(back) == str(exc)
    assert back.args == exc.args and back.__dict__ == exc.__dict__


def test_an_exception_with_extra_attributes_keeps_them_through_a_pickle():
    exc = errors.FetchError("crime: answered HTTP 404")
    exc.results = ["a", "b"]
    back = pickle.loads(pickle.dumps(exc))
    assert back.results == ["a", "b"] and str(back) == str(exc)


def test_the_package_logger_has_no_handler_but_a_null_one():
    logger = logging.getLogger(LOGGER_NAME)
    assert all(isinstance(h, logging.NullHandler) for h in logger.handlers)
    assert get_logger("boardpack.batch.run").parent.name.startswith(LOGGER_NAME)
    assert get_logger("other").name == "boardpack.other"


def test_seconds_words_step_timings():
    assert seconds({"execute": 8.14, "html": 1.2, "total": 9.34}) == "9.3 s (execute 8.1, html 1.2)"
    assert seconds({}) == "0.0 s"


def test_the_command_line_shows_warnings_by_default_and_info_with_verbose(capsys):
    log = get_logger("boardpack.batch.run")
    handler = cli.configure_logging(verbose=False)
    try:
        log.info("store ready")
        log.warning("put back 1 pack")
        err = capsys.readouterr().err
        assert err == "run_all.py: warning: put back 1 pack\n"
        handler = cli.configure_logging(verbose=True)  # replaces the first, never adds a second
        assert sum(isinstance(h, cli._ProgressSafeHandler) for h in logging.getLogger(LOGGER_NAME).handlers) == 1
        log.info("camden: started")
        assert capsys.readouterr().err.rstrip().endswith(" camden: started")
    finally:
        cli._remove_logging(handler)
    assert not any(isinstance(h, cli._ProgressSafeHandler) for h in logging.getLogger(LOGGER_NAME).handlers)


def test_nothing_outside_the_command_line_prints():
    package = Path(boardpack.__file__).resolve().parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "cli.py" and path.parent == package:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not offenders, offenders


def test_production_code_does_not_import_the_demo_package():
    package = Path(boardpack.__file__).resolve().parent
    allowed = {package / "cli.py"}  # the command line alone decides to use the demo data
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path in allowed or package / "demo" in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module == "demo" or node.module.startswith("demo.") or "boardpack.demo" in node.module):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(a.name.startswith("boardpack.demo") for a in node.names):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not offenders, offenders
