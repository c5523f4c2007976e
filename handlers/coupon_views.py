"""A coupon in words: what a cancel does with it, its rule, and until when it is valid.

Every line that names a coupon's fate on a cancel also names the coupon's rule (whether a
cancel gives it back) and its expiry, so the shopper never has to guess (FAQ 4).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from domain.orders import Coupon, CouponStatus
from domain.policy import CouponOutcome
from handlers.i18n import Translator

#: The line for each fate, before the cancel (``False``) and after it (``True``).
_FATE = {
    (CouponOutcome.RETURNED, False): "coupon-will-return",
    (CouponOutcome.RETURNED, True): "coupon-returned-now",
    (CouponOutcome.NOT_RETURNED, False): "coupon-kept-by-rule",
    (CouponOutcome.NOT_RETURNED, True): "coupon-kept-by-rule",
    (CouponOutcome.EXPIRED, False): "coupon-expired-not-back",
    (CouponOutcome.EXPIRED, True): "coupon-expired-not-back",
}


def coupon_rule(t: Translator, coupon: Coupon) -> str:
    return t("coupon-rule-returnable" if coupon.returnable_on_cancel else "coupon-rule-kept")


def coupon_expiry(t: Translator, coupon: Coupon, tz: tzinfo, *, ended: bool = False) -> str:
    """Until when it is valid, or when it ran out (``ended``), in the shop's calendar."""
    return expiry_text(
        t, coupon.expires_at, tz, ended=ended or coupon.status is CouponStatus.EXPIRED
    )


def expiry_text(t: Translator, expires_at: datetime | None, tz: tzinfo, *, ended: bool) -> str:
    if expires_at is None:
        return t("coupon-expiry-gone" if ended else "coupon-expiry-none")
    day = t.date(expires_at.astimezone(tz).date())
    return t("coupon-expiry-ended" if ended else "coupon-expiry-until", date=day)


def coupon_line(
    t: Translator, coupon: Coupon, outcome: CouponOutcome, tz: tzinfo, *, done: bool = False
) -> str | None:
    """The coupon's fate on a cancel (``done``: after it), with its rule and expiry."""
    key = _FATE.get((outcome, done))
    if key is None:
        return None
    expiry = coupon_expiry(t, coupon, tz, ended=outcome is CouponOutcome.EXPIRED)
    return t(key, title=coupon.title, rule=coupon_rule(t, coupon), expiry=expiry)
