# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class ContractValidationError(ValidationError):
    pass


class ContractOverlapError(ValidationError):
    pass


class ContractDeleteError(AccessError):
    pass


class ConsignorPriceWarning(UserWarning):
    pass


class IntakeError(UserError):
    pass


class IntakeCancelError(UserError):
    pass


class ConsignmentStockError(UserError):
    pass


class ConsignmentStockBusyError(ConsignmentStockError):
    pass


class TillSequenceError(ValidationError):
    pass


class ConsignmentTransferError(ValidationError):
    pass


class SettlementError(UserError):
    pass


class SettlementModifyError(AccessError):
    pass


class SettlementConcurrencyError(UserError):
    pass


class SettlementDraftIntakeWarning(UserWarning):
    pass


class ConsignmentReturnError(UserError):
    pass


class HostShareError(UserError):
    pass


class UnsoldGoodsError(UserError):
    pass


class ContractModifyError(AccessError):
    pass


class ContractAmendError(UserError):
    pass


class TillRefundError(UserError):
    pass


class ConsignmentLocationError(ValidationError):
    pass
