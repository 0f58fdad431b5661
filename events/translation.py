"""The texts of events, series, topics and venues that exist in German and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Series, Topic, Venue


@register(Series)
class SeriesTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "teaser", "description")


@register(Venue)
class VenueTranslationOptions(TranslationOptions):
    # Name and address are the same in both languages.
    fields = ("accessibility", "participant_notes")
