"""The registry of personal-data providers: every model with a name or address is covered or declared."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

from swsdigital.privacy import registry

PERSONAL_FIELD_NAMES = {"name", "first_name", "last_name", "email", "contact_name"}
ROOT = Path(__file__).resolve().parents[2]


def _personal_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.EmailField) or f.name in PERSONAL_FIELD_NAMES
    ]


def test_every_model_with_a_name_or_email_field_has_a_provider():
    covered, declared = registry.covered_models(), registry.not_personal_models()
    missing = [
        f"{model._meta.label} ({', '.join(fields)})"
        for model in apps.get_models(include_auto_created=True)
        if (fields := _personal_fields(model)) and model._meta.label not in covered | declared.keys()
    ]
    assert missing == [], "Register a personal-data provider covering these models (or declare them not_personal)"


def test_declared_models_exist_and_no_model_is_both_covered_and_declared_free():
    labels = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    covered, declared = registry.covered_models(), registry.not_personal_models()
    assert set(covered) <= labels and set(declared) <= labels
    assert not set(covered) & set(declared)


def test_every_app_with_personal_data_registered_from_its_ready():
    assert {p.name for p in registry.providers()} == {
        "admin",
        "audit",
        "mail",
        "mail.inbound",
        "privacy",
        "members",
        "events",
        "news",
        "newsletter",
        "fees",
    }
    # The admin log's and the audit trail's providers find entries by the objects the others still hold, so they
    # erase first.
    assert [p.name for p in registry.providers()[:2]] == ["admin", "audit"]


def test_privacy_imports_no_domain_app():
    domain = {"members", "events", "news", "newsletter", "fees"}
    for path in (ROOT / "swsdigital" / "privacy").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in domain, f"{path.relative_to(ROOT)} imports {name}"
