# The production image: gunicorn, the Celery worker and Celery beat all run from it.

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts/vendor-assets.sh scripts/
RUN scripts/vendor-assets.sh

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock .

COPY . .
COPY --from=assets /build/static/vendor static/vendor
# collectstatic reads settings, which insist on these in production; none is kept in the image.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only REDIS_URL=redis://unused:6379/0 \
    python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 --home /app app \
 && mkdir -p /app/media /app/private-media && chown app /app/media /app/private-media

USER app
EXPOSE 8000
CMD ["gunicorn", "msl_crm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
