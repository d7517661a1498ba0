/* A shared object without the descriptor: the loader must refuse it. */
#include "config.h"

int nosym_answer(void);

int nosym_answer(void)
{
	return 42;
}
