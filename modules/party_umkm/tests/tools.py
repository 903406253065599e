# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for scenarios that need UMKM suppliers and certificates"

from proteus import Model

__all__ = [
    'get_certificate_type', 'create_umkm_supplier', 'add_requirement',
    'create_certificate', 'PERSONAL_NIK', 'individual_supplier_values',
    'personal_data_searches']

# a valid NIK of a woman born on 15-05-1980 in Kabupaten Kupang
PERSONAL_NIK = '5301015505800001'


def get_certificate_type(code, config=None):
    "Return the certificate type with code (halal, bpom_md, spp_irt...)"
    CertificateType = Model.get('party.certificate.type', config=config)
    type_, = CertificateType.find([('code', '=', code)])
    return type_


def create_umkm_supplier(name, config=None, **values):
    "Create and return an UMKM supplier"
    Party = Model.get('party.party', config=config)
    party = Party(name=name, umkm_supplier=True)
    for field, value in values.items():
        setattr(party, field, value)
    party.save()
    return party


def add_requirement(
        record, *codes, effective_date=None, umkm_classes=None, config=None):
    """Require one certificate among the types with codes

    record is a product.category or a product.template.
    """
    record.certificate_requirements.new()
    requirement = record.certificate_requirements[-1]
    for code in codes:
        requirement.types.append(get_certificate_type(code, config=config))
    requirement.effective_date = effective_date
    if umkm_classes:
        requirement.umkm_classes = umkm_classes
    record.save()
    return record.certificate_requirements[-1]


def create_certificate(
        supplier, code, number, templates=(), products=(),
        config=None, **values):
    "Create and return a certificate of supplier"
    Certificate = Model.get('party.certificate', config=config)
    certificate = Certificate(supplier=supplier, number=number)
    certificate.type = get_certificate_type(code, config=config)
    for template in templates:
        certificate.templates.append(template.__class__(template.id))
    for product in products:
        certificate.products.append(product.__class__(product.id))
    for field, value in values.items():
        setattr(certificate, field, value)
    certificate.save()
    return certificate


def individual_supplier_values(name="Ina Bria", nik=PERSONAL_NIK):
    """Return the values to create an individual supplier with a NIK, the
    same number as 16-digit NPWP, a home address, a mobile and an e-mail"""
    return {
        'name': name,
        'umkm_supplier': True,
        'umkm_legal_form': 'individual',
        'identifiers': [('create', [
                    {'type': 'id_nik', 'code': nik},
                    {'type': 'id_vat', 'code': nik},
                    ])],
        'addresses': [('create', [{
                        'street': "Jl. Oelamasi 7",
                        'postal_code': '85361',
                        }])],
        'contact_mechanisms': [('create', [
                    {'type': 'mobile', 'value': '+6281237001234'},
                    {'type': 'email', 'value': 'ina.bria@example.com'},
                    ])],
        }


def personal_data_searches(nik=PERSONAL_NIK):
    """Return the searches (model, domain, count) that find the personal data
    of the supplier of individual_supplier_values, and how many records each
    finds for a user with access to personal data"""
    return [
        ('party.identifier', [('code', '=', nik)], 2),
        ('party.identifier', [('code', 'like', nik[:4] + '%')], 2),
        ('party.identifier', [('rec_name', 'ilike', '%' + nik[4:9] + '%')], 2),
        ('party.identifier', [
                ('type', '=', 'id_nik'), ('code', '=', nik)], 1),
        ('party.party', [('identifiers.code', '=', nik)], 1),
        ('party.party', [('identifiers.code', 'like', nik[:5] + '%')], 1),
        ('party.party', [
                ('identifiers.code_compact', 'like', nik[:1] + '%')], 1),
        ('party.party', [('identifiers', 'where', [
                        ('code', 'like', nik[:2] + '%')])], 1),
        ('party.party', [('tax_identifier.code', '=', nik)], 1),
        ('party.party', [('tax_identifier', 'ilike', nik[:2] + '%')], 1),
        ('party.party', [('rec_name', '=', nik)], 1),
        ('party.party', [('rec_name', 'ilike', '%' + nik[:9] + '%')], 1),
        ('party.party', [
                ('contact_mechanisms.value', 'like', '+6281237%')], 1),
        ('party.party', [('rec_name', 'ilike', '%ina.bria@%')], 1),
        ('party.party', [('addresses.street', 'ilike', '%oelamasi%')], 1),
        ('party.party', [('addresses.postal_code', '=', '85361')], 1),
        ('party.address', [('street', 'ilike', '%oelamasi%')], 1),
        ('party.address', [('rec_name', 'ilike', '%oelamasi 7%')], 1),
        ('party.address', [('party.identifiers.code', '=', nik)], 1),
        ('party.contact_mechanism', [('value', 'like', '+6281237%')], 1),
        ('party.contact_mechanism', [('rec_name', 'ilike', '%bria@%')], 1),
        ('party.contact_mechanism', [
                ('party.identifiers.code', 'like', nik[:4] + '%'),
                ('type', '=', 'mobile'),
                ], 1),
        ]
