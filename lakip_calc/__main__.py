import os

# numpy's OpenBLAS starts a thread pool when it is imported. The build forks
# worker processes (notebooks, report formats) and forks only while it runs a
# single thread (lakip_calc.bangun.proses.boleh_fork); our tables are far too small to
# gain from threaded linear algebra. Kernels inherit the setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from lakip_calc.cli import main  # noqa: E402

raise SystemExit(main())
