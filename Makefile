# NTT Mart ERP: `make demo` builds the SQLite demo database and serves the
# web client on http://127.0.0.1:8000 ; `make test` runs the test suite on
# SQLite and, when a server is reachable, on PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATABASE ?= ntt_mart
STAMP := $(VENV)/.installed

export TRYTOND_DATABASE__PATH := $(CURDIR)/var/db
export TRYTOND_WEB__ROOT := $(CURDIR)/var/sao

.PHONY: demo serve database test install sao libreoffice clean

demo: database serve

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

sao: install
	scripts/install_sao.sh

# PDF documents (LibreOffice, when this machine can install it)
libreoffice:
	scripts/install_libreoffice.sh

# RESET=1 rebuilds the database from scratch
database: install sao libreoffice
	$(BIN)/python scripts/setup_database.py --database $(DATABASE) \
		$(if $(RESET),--reset)

serve: install sao
	@echo "NTT Mart web client: http://127.0.0.1:8000 (login admin, password kupang-demo-53)"
	$(BIN)/trytond -c config/trytond.conf -d $(DATABASE) --logconf config/logging.conf

test: install
	scripts/run_tests.sh

clean:
	rm -rf var/db var/test-cache
