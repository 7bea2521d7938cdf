"""Status and check: where every occurrence of many plans stands at an as-of time and
which ladder notices are due (``plans``), split into chunks for a fan-out (``chunks``),
and the Xanh / Vàng / Đỏ view of a parent plan's children (``monitor``)."""
