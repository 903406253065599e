# NTT Mart ERP server: Tryton 8.0 with sao, plus this repository's modules.
FROM tryton/tryton:8.0

USER root
COPY . /opt/ntt-mart
RUN pip3 install --no-cache-dir --break-system-packages /opt/ntt-mart \
    || pip3 install --no-cache-dir /opt/ntt-mart
COPY config/trytond-postgresql.conf /etc/trytond.conf
USER trytond
WORKDIR /opt/ntt-mart
