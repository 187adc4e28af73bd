"""The programme's reports: the figures (`figures`, from the case files of `case_file`,
split by `breakdowns`), then one writer each: `tables` (the breakdown tables), `as_html`,
`as_csv`, `as_docx`; `lines` holds the sentences every writer starts with."""
