# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"The printed documents of NTT Mart: PDF in Bahasa Indonesia"
import shlex
import shutil

import trytond.config as config
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

BULAN = [
    'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli',
    'Agustus', 'September', 'Oktober', 'November', 'Desember']


def tanggal(date):
    """Return the date as Indonesian documents write it ("2 Desember 2026"),
    whatever the printing user's language and date format"""
    if not date:
        return ''
    return f'{date.day} {BULAN[date.month - 1]} {date.year}'


def label(record, field):
    """Return the label of the selection field of the record in Indonesian
    (when the language is loaded), as on the documents"""
    pool = Pool()
    Lang = pool.get('ir.lang')
    value = getattr(record, field)
    language = 'id' if Lang.search([
            ('code', '=', 'id'), ('translatable', '=', True)]) else None
    with Transaction().set_context(
            **({'language': language} if language else {})):
        selection = dict(record.__class__.fields_get(
                [field])[field]['selection'])
    return selection.get(value, value or '')


def percent(rate):
    "Return the rate as a percentage the Indonesian way (12,5 %)"
    if rate is None:
        return ''
    text = '{:.2f}'.format(rate * 100).rstrip('0').rstrip('.')
    return text.replace('.', ',') + ' %'


def rupiah(amount):
    "Return the amount in whole rupiah as Indonesians write it (Rp1.250.000)"
    return 'Rp' + '{:,.0f}'.format(amount or 0).replace(',', '.')


class PDFWhenLibreOffice:
    """Convert the report to PDF (its action's extension) only when the
    conversion command (LibreOffice's soffice by default) is installed;
    otherwise keep the OpenDocument, without Tryton's retries and error"""

    @classmethod
    def _converter_available(cls):
        command = config.get(
            'report', 'convert_command', default='soffice')
        return bool(shutil.which(shlex.split(command)[0]))

    @classmethod
    def convert(cls, report, data, *args, **kwargs):
        output_format = report.extension or report.template_extension
        if (output_format != report.template_extension
                and not cls._converter_available()):
            report = _Unconverted(report)
        return super().convert(report, data, *args, **kwargs)


class _Unconverted:
    "A report action whose output is its template's format"

    def __init__(self, report):
        self._report = report

    def __getattr__(self, name):
        return getattr(self._report, name)

    @property
    def extension(self):
        return self._report.template_extension


class DocumentReport(PDFWhenLibreOffice, Report):
    """A document of NTT Mart: a PDF when LibreOffice is installed, with the
    helpers tanggal (Indonesian date) and rupiah in the template context"""

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['tanggal'] = tanggal
        context['rupiah'] = rupiah
        context['label'] = label
        context['percent'] = percent
        return context
