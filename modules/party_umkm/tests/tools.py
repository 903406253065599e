# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for scenarios that need UMKM suppliers and certificates"

from proteus import Model

__all__ = [
    'get_certificate_type', 'create_umkm_supplier', 'add_requirement',
    'create_certificate']


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
