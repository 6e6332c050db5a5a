FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    POPTION_VAR_DIR=/app/var

WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 poption

COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN python bin/compile_messages.py \
    && DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R poption /app/var

USER poption
EXPOSE 8000
CMD ["gunicorn", "poption.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
