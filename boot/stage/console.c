/* COM1 output and a small printf: everything the stage says goes here. */
#include "stage.h"

#define COM1 0x3F8

/* see stage.h */
void console_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);
}

static void out(char c)
{
    /* Bounded wait: a missing UART must not hang the boot. */
    for (unsigned spin = 0; spin < 100000u && !(inb(COM1 + 5) & 0x20); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

static void out_char(char c)
{
    if (c == '\n')
        out('\r');
    out(c);
}

static void out_num(uint64_t v, unsigned base, unsigned width, char pad)
{
    char buf[24];
    unsigned n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < width && n < sizeof buf)
        buf[n++] = pad;
    while (n)
        out_char(buf[--n]);
}

/* see stage.h */
void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        unsigned width = 0;
        int lng = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned)(*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            unsigned len = 0;
            if (!s)
                s = "(null)";
            for (const char *p = s; *p; p++)
                len++;
            for (; len < width; len++)
                out_char(' ');
            while (*s)
                out_char(*s++);
            break;
        }
        case 'c':
            out_char((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                out_char('-');
                v = -v;
            }
            out_num((uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            out_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                    10, width, pad);
            break;
        case 'x':
            out_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                    16, width, pad);
            break;
        case '%':
            out_char('%');
            break;
        default:
            out_char('?');
            if (!*fmt)
                return;
            break;
        }
    }
}

/* see stage.h */
void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

/* see stage.h */
void stage_halt(uint8_t code, const char *why)
{
    kprintf("hvstage: halted: %s\n", why);
    outb(DEBUG_EXIT_PORT, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}
