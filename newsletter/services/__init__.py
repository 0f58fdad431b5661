"""Business rules of the newsletter: subscriptions, the sending engine, import and export."""

from .bounces import subscriber_bounce_mark, subscriber_complaint, subscriber_reactivate
from .checks import CheckReport, MailingCheckRequired, mailing_check, mailing_check_current, mailing_check_run
from .importing import bounces_import_csv, subscribers_export_csv, subscribers_import_csv
from .membership import subscribers_invite_from_applications
from .sending import (
    mailing_cancel,
    mailing_deliveries_prepare,
    mailing_pause,
    mailing_resume,
    mailing_run,
    mailing_schedule,
    mailing_send,
    mailing_send_checked,
    mailing_test_send,
    mailings_sweep,
)
from .subscriptions import (
    ErasureNeedsLogin,
    InvalidToken,
    subscriber_bounce,
    subscriber_confirm,
    subscriber_data_erase,
    subscriber_data_erase_check,
    subscriber_preferences_update,
    subscriber_subscribe,
    subscriber_unsubscribe,
    subscribers_unconfirmed_delete,
)
from .tokens import confirm_token, manage_token, subscriber_from_confirm_token, subscriber_from_manage_token

__all__ = [
    "CheckReport",
    "ErasureNeedsLogin",
    "InvalidToken",
    "MailingCheckRequired",
    "bounces_import_csv",
    "confirm_token",
    "mailing_cancel",
    "mailing_check",
    "mailing_check_current",
    "mailing_check_run",
    "mailing_deliveries_prepare",
    "mailing_pause",
    "mailing_resume",
    "mailing_run",
    "mailing_schedule",
    "mailing_send",
    "mailing_send_checked",
    "mailing_test_send",
    "mailings_sweep",
    "manage_token",
    "subscriber_bounce",
    "subscriber_bounce_mark",
    "subscriber_complaint",
    "subscriber_confirm",
    "subscriber_data_erase",
    "subscriber_data_erase_check",
    "subscriber_from_confirm_token",
    "subscriber_from_manage_token",
    "subscriber_preferences_update",
    "subscriber_reactivate",
    "subscriber_subscribe",
    "subscriber_unsubscribe",
    "subscribers_export_csv",
    "subscribers_import_csv",
    "subscribers_invite_from_applications",
    "subscribers_unconfirmed_delete",
]
