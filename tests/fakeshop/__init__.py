"""A shop's order system on 127.0.0.1, speaking docs/shop-api.md, for tests."""

from .server import Behaviour, FakeShop, ShopOrder

__all__ = ["Behaviour", "FakeShop", "ShopOrder"]
