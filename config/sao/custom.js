/* This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.

   sao's customisation hook (var/sao/custom.js, loaded by index.html after
   sao): numbers show the decimals they have, not the zeros of unused ones.
   Tryton keeps unit prices with four decimals (a consignor price is a share
   of the selling price, a till's price before PPN is computed back from the
   price with PPN), so sao showed every price in rupiah as "25.000,0000";
   it now shows "25.000", and "22.522,5225" where the decimals are used.
   Only the display changes: the server stores and validates as before. */
(function() {
    'use strict';
    if (typeof Sao === 'undefined' || !Sao.field || !Sao.field.Float) {
        return;
    }
    Sao.field.Float.prototype.get_client = function(
            record, factor=1, grouping=true) {
        var value = this.get(record);
        if (value === null || value === undefined) {
            return '';
        }
        var options = {
            useGrouping: grouping,
        };
        var digits = this.digits(record, factor);
        if (digits && (digits[1] !== null)) {
            options.minimumFractionDigits = 0;
            options.maximumFractionDigits = digits[1];
        }
        return (value * factor).toLocaleString(
            Sao.i18n.BC47(Sao.i18n.getlang()), options);
    };
}());
