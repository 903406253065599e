# NTT Mart ERP server: Tryton 8.0 with sao, plus this repository's modules.
FROM tryton/tryton:8.0

USER root
# printed documents (statements, receipts) are converted to PDF by LibreOffice
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-writer-nogui \
    && rm -rf /var/lib/apt/lists/*
COPY . /opt/ntt-mart
RUN pip3 install --no-cache-dir --break-system-packages /opt/ntt-mart \
    || pip3 install --no-cache-dir /opt/ntt-mart
# sao's Indonesian, completed with the strings its own translation lacks
RUN if [ -f /var/lib/trytond/www/locale/id.json ]; then \
        python3 /opt/ntt-mart/scripts/translate_sao.py /var/lib/trytond/www \
        && cp /opt/ntt-mart/config/sao/custom.js /var/lib/trytond/www/; \
    fi
COPY config/trytond-postgresql.conf /etc/trytond.conf
USER trytond
WORKDIR /opt/ntt-mart
