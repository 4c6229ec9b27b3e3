/* Hexadecimal digits, for the parsers of YAML numbers, key ids and URI
 * escapes (host side). */
#ifndef HV_HEX_H
#define HV_HEX_H

/* The value of one hex digit (either case), or -1 if |c| is not one. */
int hv_hex_value(char c);

#endif
