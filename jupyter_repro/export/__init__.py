"""Turn recorded lineage into files a team commits: a runnable script and its lock, pipelines,
and the check that they reproduce (``verify``). Reads the store; never imports IPython at
module level."""
