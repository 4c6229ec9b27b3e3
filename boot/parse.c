/* placeholder until the real file lands */
typedef int hv_placeholder_unused;
