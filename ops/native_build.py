"""Compiles the classifier's modules to C extension modules with mypyc, in place.

``make setup`` runs it after installing. The classifier is pure Python and runs the
same either way (tests/golden checks both); compiled, it reads about a quarter
faster (docs/BENCHMARKS.md). Each ``.so`` lands beside its source, and a record
of the source digests (streams.native.MANIFEST) lets an import pass over compiled
modules whose sources changed since; their shared library goes to the environment's
site-packages. Without a C compiler the build says so and
leaves the pure-Python modules in use: exit status 0 unless ``--strict``.

    python -m ops.native_build [--strict] [--clean]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import sysconfig
import time
from pathlib import Path

from streams.native import MANIFEST, source_digest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "streams.classify"
GROUP = "policywatch_classify"  # the modules' shared library, a top-level <GROUP>__mypyc module
BUILD_DIR = REPO / "build" / "native"


def _site() -> Path:
    """Where the shared library goes: the environment's own packages, so that every process
    of it (console scripts too, whose path does not hold the checkout) imports it."""
    return Path(sysconfig.get_paths()["platlib"])


def _package_dir() -> Path:
    return REPO.joinpath(*PACKAGE.split("."))


def sources() -> list[Path]:
    return sorted(p for p in _package_dir().glob("*.py") if p.name != "__init__.py")


def clean() -> None:
    """Removes compiled modules and their record: the sources run again."""
    shared = [*REPO.glob(f"{GROUP}__mypyc*.so"), *_site().glob(f"{GROUP}__mypyc*.so")]
    for path in [*_package_dir().glob("*.so"), *shared]:
        path.unlink()
    (_package_dir() / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(BUILD_DIR, ignore_errors=True)


def build() -> None:
    """mypyc, then the C compiler, then the record of what was compiled."""
    from mypyc.build import mypycify  # dev dependency: imported only to build
    from setuptools import Distribution

    files = sources()
    digests = {p.stem: source_digest(p) for p in files}
    os.chdir(REPO)  # mypyc names modules by their paths relative to here
    extensions = mypycify(
        [str(p.relative_to(REPO)) for p in files],
        opt_level="3",
        group_name=GROUP,
        target_dir=str(BUILD_DIR / "c"),
    )
    distribution = Distribution({"name": "policywatch-native", "ext_modules": extensions})
    command = distribution.get_command_obj("build_ext")
    command.inplace = True
    command.build_temp = str(BUILD_DIR / "temp")
    distribution.run_command("build_ext")
    for shared in REPO.glob(f"{GROUP}__mypyc*.so"):
        shutil.move(str(shared), _site() / shared.name)
    record = {
        "package": PACKAGE,
        "python": sys.implementation.cache_tag,
        "runtime": f"{GROUP}__mypyc",
        "sources": digests,
    }
    (_package_dir() / MANIFEST).write_text(json.dumps(record, indent=1) + "\n", "utf-8")


def _say(line: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="fail if it cannot be built")
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args(argv)
    clean()
    if args.clean:
        _say("==> compiled classifier removed: the classifier runs from source")
        return 0
    started = time.monotonic()
    _say(f"==> compiling {PACKAGE} with mypyc (a minute on 2 cores)")
    try:
        build()
    except (Exception, SystemExit) as exc:  # a compiler missing or failing: say so, go on
        clean()
        hint = "" if isinstance(exc, SystemExit) else f" ({type(exc).__name__}: {exc})"
        _say(
            f"==> could not compile the classifier{hint}, see above; it runs from source, "
            "slower (the build needs a C compiler and Python's headers: apt-get install "
            "gcc python3-dev)",
            error=True,
        )
        return 1 if args.strict else 0
    _say(f"==> compiled classifier ready in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
