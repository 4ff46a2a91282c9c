"""Every app's tests run in `make test`: pytest collects only the folders pytest.ini lists, and six
apps' tests were once left out of CI that way."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_tests_package_is_in_testpaths():
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    listed = set(ini["pytest"]["testpaths"].split())
    packages = {p.parent.parent.name for p in ROOT.glob("*/tests/__init__.py")}
    assert packages - listed == set(), "add these to testpaths in pytest.ini"
