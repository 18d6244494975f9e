"""A stand-in for the two SciPy functions Google Benchmark's compare.py imports (see stats.py).

Debian 12's python3-scipy cannot be installed beside libboost1.81-dev (python3-scipy -> python3-pythran ->
libboost-dev, which is Boost 1.74 and conflicts with 1.81), so bench/gate/gate.py puts this directory on
PYTHONPATH when `import scipy.stats` fails. With the real SciPy installed it is never used.
"""
