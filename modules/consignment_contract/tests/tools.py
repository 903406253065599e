# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"Shared fixtures of the consignment scenarios"
import io
import re
import zipfile
from unittest import mock

import trytond.config
from proteus import Model, Report

__all__ = ['create_outlet', 'create_pos', 'report_text']


def create_outlet(name, code, config=None):
    "Create an outlet: a warehouse with its input, output and storage"
    Location = Model.get('stock.location', config=config)
    input_ = Location(name="%s Input" % name, type='storage')
    input_.save()
    output = Location(name="%s Output" % name, type='storage')
    output.save()
    storage = Location(name="%s Storage" % name, type='storage')
    storage.save()
    outlet = Location(name=name, code=code, type='warehouse')
    outlet.input_location = input_
    outlet.output_location = output
    outlet.storage_location = storage
    outlet.lost_found_location, = Location.find(
        [('type', '=', 'lost_found')], limit=1)
    outlet.save()
    return outlet


def create_pos(name, outlet, journal, tax_included=False,
        return_location=True, config=None):
    """Create a till taking goods from the outlet's storage and taking them
    back there (unless return_location is False)"""
    POS = Model.get('sale.point', config=config)
    Location = Model.get('stock.location', config=config)
    SequenceStrict = Model.get('ir.sequence.strict', config=config)
    SequenceType = Model.get('ir.sequence.type', config=config)
    customer_loc, = Location.find([('code', '=', 'CUS')])
    pos = POS(name=name)
    pos.tax_included = tax_included
    pos.journal = journal
    pos.sequence = SequenceStrict(name=name, company=pos.company)
    pos.sequence.sequence_type, = SequenceType.find(
        [('name', '=', "POS")], limit=1)
    pos.sequence.save()
    pos.storage_location = outlet.storage_location
    if return_location:
        pos.return_location = outlet.storage_location
    pos.customer_location = customer_loc
    pos.save()
    return pos


def report_text(name, records, config=None):
    """Return the paragraphs of the report of the records, read from the
    OpenDocument that LibreOffice converts to PDF (the conversion is tested
    on its own)"""
    get = trytond.config.get

    def get_option(section, option, *args, **kwargs):
        if (section, option) == ('report', 'convert_command'):
            return 'no-converter'
        return get(section, option, *args, **kwargs)
    with mock.patch.object(trytond.config, 'get', get_option):
        ext, content, _, _ = Report(name, config=config).execute(records, {})
    assert ext == 'odt', ext
    with zipfile.ZipFile(io.BytesIO(content)) as odt:
        xml = odt.read('content.xml').decode()
    return [re.sub('<[^>]+>', '', p)
        for p in re.findall('<text:p[^>]*>.*?</text:p>', xml)]
