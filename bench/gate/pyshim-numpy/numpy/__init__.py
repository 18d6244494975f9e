"""A stand-in for the one NumPy name compare.py uses (`array`, for gmean's result and an empty result), put on
PYTHONPATH by bench/gate/gate.py only when `import numpy` fails (Debian: python3-numpy)."""


class array(list):  # noqa: N801 - numpy's spelling
    def any(self):
        return any(bool(v) for v in self)
