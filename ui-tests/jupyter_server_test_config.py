"""Server configuration for the Galata ui-tests: Galata's test defaults, root in a temp folder.

Never use this configuration outside tests: it removes the server's token and XSRF checks.
"""

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (injected by traitlets when it loads this file)
configure_jupyter_server(c)
c.ServerApp.allow_root = True
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# Notebook 7's pages are served by the same server; expose its app to the tests as well.
c.JupyterNotebookApp.expose_app_in_browser = True
