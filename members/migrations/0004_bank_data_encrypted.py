"""IBAN and account holder stored encrypted (issue 13): text columns holding Fernet tokens.

The column type changes first (a token is longer than 34 characters), then the rows are encrypted in place.
Reversible: going back writes the plain values and restores the short columns.
"""

from django.db import migrations

import swsdigital.core.crypto

BANK_FIELDS = ("sepa_iban", "sepa_account_holder")
MODELS = ("Member", "MembershipApplication")


def encrypt_rows(apps, schema_editor):
    for name in MODELS:
        swsdigital.core.crypto.stored_values_encrypt(apps.get_model("members", name), *BANK_FIELDS)


def decrypt_rows(apps, schema_editor):
    for name in MODELS:
        swsdigital.core.crypto.stored_values_decrypt(apps.get_model("members", name), *BANK_FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_bank_data_permission'),
    ]

    operations = [
        migrations.AlterField(
            model_name='member',
            name='sepa_account_holder',
            field=swsdigital.core.crypto.EncryptedCharField(blank=True, max_length=70, verbose_name='account holder'),
        ),
        migrations.AlterField(
            model_name='member',
            name='sepa_iban',
            field=swsdigital.core.crypto.EncryptedCharField(blank=True, max_length=34, verbose_name='IBAN'),
        ),
        migrations.AlterField(
            model_name='membershipapplication',
            name='sepa_account_holder',
            field=swsdigital.core.crypto.EncryptedCharField(blank=True, max_length=70, verbose_name='account holder'),
        ),
        migrations.AlterField(
            model_name='membershipapplication',
            name='sepa_iban',
            field=swsdigital.core.crypto.EncryptedCharField(blank=True, max_length=34, verbose_name='IBAN'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
