#ifndef CXLSXWRITER_H
#define CXLSXWRITER_H
/// libxlsxwriter from the system (Debian libxlsxwriter-dev): the workbook `outcomes.xlsx`
/// (OUTPUTS.md "Publishable and restricted") is written through it.
#include <xlsxwriter.h>

/// The version the tool was built against, for the workbook's About sheet and for errors.
static inline const char *cxlsx_version(void) { return LXW_VERSION; }
#endif
