"""Pure analytic engines (PLS path model, Erlang C/A, text classification, RFM).

Numpy/scipy only: nothing here may import django or any other kehu package, so each
engine is testable and fast on its own (checked by kehu/core/tests/test_boundaries.py).
"""
