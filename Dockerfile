# One image for every SmartSync service; docker-compose.yml picks the command per service.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY requirements.txt ./
COPY libs ./libs
COPY services ./services
COPY schemas ./schemas
RUN pip install -r requirements.txt
ENV SCHEMAS_DIR=/app/schemas VAR_DIR=/var/lib/smartsync
USER nobody
