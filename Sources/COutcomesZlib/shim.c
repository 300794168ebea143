#include "COutcomesZlib.h"
