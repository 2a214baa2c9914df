"""The MIME type of the pack's metadata output, shared by the pack (which displays it) and the
nbconvert exporters (which lift it out of the executed notebook) so that neither imports the other."""

META_MIMETYPE = "application/vnd.boardpack.meta+json"
