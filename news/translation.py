"""The texts of press items and their images that exist in German and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import NewsImage, NewsItem


@register(NewsItem)
class NewsItemTranslationOptions(TranslationOptions):
    fields = ("title", "lead", "body")
    # A few older items were written in English only: their German page shows the English text, marked.
    fallback_languages = {"default": ("de",), "de": ("en",)}


@register(NewsImage)
class NewsImageTranslationOptions(TranslationOptions):
    fields = ("alt_text", "caption")
    fallback_languages = {"default": ("de",), "de": ("en",)}
