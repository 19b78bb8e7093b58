# Campus CRM application image: web (gunicorn), Celery worker and beat all run from it.
FROM node:20-bookworm-slim AS player
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    MPLCONFIGDIR=/opt/matplotlib

# gettext compiles the translation catalogues; the pango/harfbuzz libraries are WeasyPrint's (PDFs).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /opt/venv && pip install --no-cache-dir uv \
 && uv pip sync --no-cache requirements/base.txt \
 && python -c "import matplotlib.font_manager" && chmod -R a+rX /opt/matplotlib
# (matplotlib's font cache, for the metrics charts, is built once here instead of in every process at run time)

# The H5P player comes from npm (package-lock.json), in a throw-away stage so the image carries no Node.
COPY . .
COPY --from=player /build/node_modules /app/node_modules
# Build-time values only so the settings load; the real ones come from the environment at run time.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py compilemessages --ignore=node_modules -v 0 \
 && SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py collectstatic --noinput -v 0 \
 && useradd --create-home --uid 1000 campus && mkdir -p /app/media /app/var/h5p /app/var/certificates /srv/static \
 && chown campus /app/media /app/var/h5p /app/var/certificates /srv/static
# (/srv/static: mount point of the volume docker-compose's collectstatic service fills for nginx)

USER campus
EXPOSE 8000
# Asked under the first ALLOWED_HOSTS name: Django answers 400 to a Host header it does not serve (127.0.0.1).
HEALTHCHECK --interval=30s --timeout=5s \
  CMD host="${ALLOWED_HOSTS%%,*}"; curl -fsS -o /dev/null -H "Host: ${host#.}" http://127.0.0.1:8000/healthz || exit 1
CMD ["gunicorn", "elearn.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
