# The portal's production image: gunicorn serves Django (static files through whitenoise);
# the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system --gid 1000 sws \
    && useradd --system --uid 1000 --gid sws --home-dir /app --shell /usr/sbin/nologin sws

# SpamAssassin scores each mailing in the pre-send check (`spamassassin -t -L`, or spamc against SPAMD_HOST).
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends spamassassin spamc \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image. Production settings refuse to load without a
# real key and hosts, so the build uses throwaway ones that never leave this layer.
RUN DEBUG=false CELERY_BROKER_URL=memory:// ALLOWED_HOSTS=build.invalid \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var/media \
    && chown -R sws:sws /app/var

USER sws
EXPOSE 8000

CMD ["gunicorn", "swsdigital.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--forwarded-allow-ips", "*", "--access-logfile", "-"]
