import os

# numpy's OpenBLAS starts a thread per core when it is imported, here and in
# every notebook kernel (the workers and kernels inherit the setting). Our
# tables are far too small to gain from threaded linear algebra, and the
# notebooks already run side by side on the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from lakip_calc.cli import main  # noqa: E402

raise SystemExit(main())
