"""Cases pages, one module per audience: `applications` (apply online, the application page and receipt, my
applications, the public progress lookup, submitted files), `window` (the clerk's window acceptance, reusable
by the hall for a ticket) and `department` (the worklist, the case page and its buttons); `forms` reads the
apply and window forms. Thin: each page calls services (writes) and selectors (reads)."""
