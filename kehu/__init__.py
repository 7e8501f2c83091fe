"""Kehu (客户): customer relationship and customer service."""

__version__ = "0.1.0"
