"""Fixtures shared by every test suite: a real jupyter-server (pytest-jupyter) with auth on."""

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    """Load jupyter_repro into the test server, with authentication enforced."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_repro": True},
            "allow_unauthenticated_access": False,
        }
    }
