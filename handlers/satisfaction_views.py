"""The satisfaction question and its answers, as the shopper sees them."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.notifications import SatisfactionAsk
from domain.satisfaction import MAX_COMMENT, RATINGS
from handlers.callbacks import SurveyAction, SurveyCb
from handlers.i18n import Translator
from handlers.views import Rendered


def stars(rating: int) -> str:
    return "⭐" * rating


def question_text(t: Translator, ask: SatisfactionAsk) -> str:
    key = f"satisfaction-ask-{ask.topic}"
    if not ask.order_no or not t.has(key):
        key = "satisfaction-ask-other"
    return "\n".join([t(key, order_no=ask.order_no), t("satisfaction-ask-hint")])


def question_view(t: Translator, ask: SatisfactionAsk) -> Rendered:
    builder = InlineKeyboardBuilder()
    for rating in RATINGS:
        builder.button(
            text=t("satisfaction-star", stars=rating),
            callback_data=SurveyCb(
                action=SurveyAction.RATE, survey_id=ask.survey_id, stars=rating
            ),
        )
    builder.button(
        text=t("satisfaction-skip"),
        callback_data=SurveyCb(action=SurveyAction.SKIP, survey_id=ask.survey_id),
    )
    builder.adjust(len(RATINGS), 1)
    return question_text(t, ask), builder.as_markup()


def comment_keyboard(t: Translator, survey_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("satisfaction-no-comment"),
        callback_data=SurveyCb(action=SurveyAction.NO_COMMENT, survey_id=survey_id),
    )
    return builder.as_markup()


def rated_view(
    t: Translator, question: str, rating: int, survey_id: int, *, ask: bool
) -> Rendered:
    """Thanks for the rating, and (when a comment can be taken now) the offer to add one."""
    thanks = t("satisfaction-rated", stars=stars(rating))
    if not ask:
        return "\n\n".join([question, thanks]), None
    offer = t("satisfaction-ask-comment", max=MAX_COMMENT)
    return "\n\n".join([question, f"{thanks}\n{offer}"]), comment_keyboard(t, survey_id)
