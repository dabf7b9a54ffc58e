"""Packaging metadata: version from package metadata, desktop files valid, icons at every size."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    out = subprocess.run([sys.executable, "-m", "ui.launch", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == f"rootwarden {version('rootwarden')}"


def test_licence_is_an_spdx_string_that_the_required_setuptools_reads():
    """A licence table makes setuptools print a deprecation banner on every install; the SPDX
    string (PEP 639) needs setuptools 77 or later as the build requirement."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    (setuptools,) = [Requirement(r) for r in project["build-system"]["requires"] if Requirement(r).name == "setuptools"]
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77.0")


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils not installed (CI installs it)")
def test_desktop_file_validates():
    result = subprocess.run(["desktop-file-validate", str(LINUX / "dev.rootwarden.Rootwarden.desktop")], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream not installed (CI installs it)")
def test_metainfo_validates():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / "dev.rootwarden.Rootwarden.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256])
def test_icon_sizes(qapp, size):
    from PySide6.QtGui import QImage

    image = QImage(str(ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "rootwarden.png"))
    assert (image.width(), image.height()) == (size, size) and image.hasAlphaChannel()


def test_wizard_without_a_display_explains_instead_of_crashing():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "ui.launch"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 3 and "no display found" in out.stderr and "Traceback" not in out.stderr
