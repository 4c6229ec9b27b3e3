/*
 * The PKCS#11 URI parser (signing/pkcs11_uri.c): what each accepted URI
 * selects, and that every malformed or unsupported one is refused with a
 * message naming the attribute. The token side is tested end to end against
 * SoftHSM in tests/cli/pkcs11.sh.
 */
#include <string.h>

#include "check.h"
#include "pkcs11.h"

static hv_p11_uri u;
static hv_diag d;

static void accept(const char *s)
{
    d.msg[0] = '\0';
    CHECK_MSG(hv_p11_uri_parse(s, &u, &d) == 0, "%s refused: %s", s, d.msg);
}

static void refuse(const char *s, const char *want)
{
    d.msg[0] = '\0';
    int rc = hv_p11_uri_parse(s, &u, &d);
    CHECK_MSG(rc == -1, "%s accepted", s);
    CHECK_MSG(strstr(d.msg, want) != NULL, "%s: message '%s' lacks '%s'", s,
              d.msg, want);
}

int main(void)
{
    CHECK(hv_p11_is_uri("pkcs11:object=a"));
    CHECK(!hv_p11_is_uri("PKCS11:object=a"));
    CHECK(!hv_p11_is_uri("key.pem"));
    CHECK(!hv_p11_is_uri(NULL));

    accept("pkcs11:token=Release%20Keys;object=fw%2dp384;type=private"
           "?module-path=/usr/lib/softhsm/libsofthsm2.so"
           "&pin-source=file:/run/pin");
    CHECK(u.has_token && strcmp(u.token, "Release Keys") == 0);
    CHECK(u.has_object && strcmp(u.object, "fw-p384") == 0);
    CHECK(!u.has_id && !u.has_serial && !u.has_model && !u.has_manufacturer);
    CHECK(strcmp(u.module_path, "/usr/lib/softhsm/libsofthsm2.so") == 0);
    CHECK(strcmp(u.pin_source, "/run/pin") == 0); /* file: stripped */

    accept("pkcs11:id=%00%01%ff;serial=0123456789abcdef;model=SoftHSM%20v2;"
           "manufacturer=SoftHSM%20project?pin-source=/p");
    CHECK(u.has_id && u.id_len == 3 && u.id[0] == 0 && u.id[1] == 1 &&
          u.id[2] == 0xff);
    CHECK(strcmp(u.serial, "0123456789abcdef") == 0);
    CHECK(strcmp(u.model, "SoftHSM v2") == 0);
    CHECK(strcmp(u.manufacturer, "SoftHSM project") == 0);
    CHECK(strcmp(u.pin_source, "/p") == 0);
    CHECK(u.module_path[0] == '\0');

    /* Field limits: a 32-byte token label fits, 33 does not; ids up to 64. */
    char buf[400];
    strcpy(buf, "pkcs11:object=k;token=");
    memset(buf + strlen(buf), 'T', 32);
    buf[22 + 32] = '\0';
    accept(buf);
    CHECK(strlen(u.token) == 32);
    strcat(buf, "T");
    refuse(buf, "'token'");
    strcpy(buf, "pkcs11:id=");
    for (int i = 0; i < 64; i++)
        strcat(buf, "%aB");
    accept(buf);
    CHECK(u.id_len == 64 && u.id[63] == 0xab);
    strcat(buf, "%00");
    refuse(buf, "'id'");

    refuse("key.pem", "not a PKCS#11 URI");
    refuse("pkcs11:", "name the key");
    refuse("pkcs11:token=t", "name the key");
    refuse("pkcs11:object=a;object=b", "'object' given twice");
    refuse("pkcs11:object=a?module-path=/a&module-path=/b",
           "'module-path' given twice");
    refuse("pkcs11:object=a;slot-id=1", "'slot-id' is not supported");
    refuse("pkcs11:object=a?module-name=softhsm2",
           "'module-name' is not supported");
    refuse("pkcs11:object=a;module-path=/x", "'module-path' is not supported");
    refuse("pkcs11:object=a?token=t", "'token' is not supported");
    refuse("pkcs11:object=a?pin-value=1234", "pin-value is refused");
    refuse("pkcs11:object=a;pin-value=1234", "pin-value is refused");
    refuse("pkcs11:object=a;type=public", "type must be 'private'");
    refuse("pkcs11:object=a;type=private;type=private",
           "'type' given twice");
    refuse("pkcs11:object=", "'object' is empty");
    refuse("pkcs11:object", "not name=value");
    refuse("pkcs11:=a", "not name=value");
    refuse("pkcs11:object=a%2", "'object': bad %-escape");
    refuse("pkcs11:object=a%zz", "'object': bad %-escape");
    refuse("pkcs11:object=a%00b", "'object': bad %-escape, NUL");
    refuse("pkcs11:object=a?pin-source=file:", "pin-source names no file");
    refuse("pkcs11:object=a?pin-source=", "'pin-source' is empty");

    /* A URI longer than the limit is refused before any parsing. */
    static char huge[HV_P11_URI_MAX + 64];
    strcpy(huge, "pkcs11:object=a?module-path=/");
    memset(huge + strlen(huge), 'x', HV_P11_URI_MAX);
    refuse(huge, "longer than");

    return CHECK_DONE();
}
