#include "CXlsxWriter.h"
