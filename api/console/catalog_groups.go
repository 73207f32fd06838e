package console

// groupsStrings are the strings of the contact group and customer import
// pages: Spanish, Portuguese and English.
var groupsStrings = map[string][3]string{
	"groups":               {"Grupos", "Grupos", "Groups"},
	"customer_groups":      {"Grupos", "Grupos", "Groups"},
	"group_name":           {"Nombre del grupo", "Nome do grupo", "Group name"},
	"group_description":    {"Descripción", "Descrição", "Description"},
	"group_members":        {"Clientes", "Clientes", "Customers"},
	"group_created":        {"Creado", "Criado", "Created"},
	"group_delete":         {"Eliminar", "Excluir", "Delete"},
	"group_remove":         {"Quitar", "Remover", "Remove"},
	"create_group":         {"Crear grupo", "Criar grupo", "Create group"},
	"rename_group":         {"Renombrar o describir", "Renomear ou descrever", "Rename or describe"},
	"delete_group":         {"Eliminar este grupo", "Excluir este grupo", "Delete this group"},
	"delete_group_confirm": {"¿Eliminar el grupo? Los clientes no se borran.", "Excluir o grupo? Os clientes não são apagados.", "Delete the group? Its customers are kept."},
	"no_groups":            {"Todavía no hay grupos.", "Ainda não há grupos.", "No groups yet."},
	"no_members":           {"Este grupo no tiene clientes.", "Este grupo não tem clientes.", "This group has no customers."},
	"add_customers":        {"Agregar clientes", "Adicionar clientes", "Add customers"},
	"add_selected":         {"Agregar seleccionados", "Adicionar selecionados", "Add selected"},
	"members_added":        {"%d clientes agregados.", "%d clientes adicionados.", "%d customers added."},
	"members_removed":      {"%d clientes quitados.", "%d clientes removidos.", "%d customers removed."},

	"err_group_name_taken":          {"Ya existe un grupo con ese nombre.", "Já existe um grupo com esse nome.", "A group with that name already exists."},
	"err_invalid_group_name":        {"El nombre del grupo debe tener de 1 a 80 caracteres.", "O nome do grupo deve ter de 1 a 80 caracteres.", "The group name must be 1 to 80 characters."},
	"err_invalid_group_description": {"La descripción admite hasta 500 caracteres.", "A descrição admite até 500 caracteres.", "The description may be up to 500 characters."},
	"err_invalid_members":           {"Elija al menos un cliente.", "Escolha pelo menos um cliente.", "Choose at least one customer."},
	"err_unknown_customers":         {"Algunos clientes ya no existen.", "Alguns clientes não existem mais.", "Some customers no longer exist."},
	"err_file_too_large":            {"El archivo supera los 50 MB: divídalo en archivos más pequeños.", "O arquivo passa de 50 MB: divida-o em arquivos menores.", "The file is over 50 MB: split it into smaller files."},

	"import_customers":   {"Importar clientes", "Importar clientes", "Import customers"},
	"import_help":        {"Suba un archivo CSV con una fila de encabezado. Columnas:", "Envie um arquivo CSV com uma linha de cabeçalho. Colunas:", "Upload a CSV file with a header row. Columns:"},
	"import_rules":       {"Separador coma o punto y coma; UTF-8. Etiquetas y grupos separados por ; o |. Un external_id existente actualiza el cliente; sin external_id se busca por teléfono. Las celdas vacías conservan lo que el cliente ya tiene. Los grupos que no existen se crean.", "Separador vírgula ou ponto e vírgula; UTF-8. Etiquetas e grupos separados por ; ou |. Um external_id existente atualiza o cliente; sem external_id busca-se pelo telefone. Células vazias mantêm o que o cliente já tem. Grupos inexistentes são criados.", "Comma or semicolon separated; UTF-8. Tags and groups separated by ; or |. An existing external_id updates that customer; without one the phone is matched. Blank cells keep what the customer has. Missing groups are created."},
	"download_sample":    {"Descargar archivo de ejemplo", "Baixar arquivo de exemplo", "Download a sample file"},
	"csv_file":           {"Archivo CSV", "Arquivo CSV", "CSV file"},
	"import_preview":     {"Vista previa", "Pré-visualizar", "Preview"},
	"import_now":         {"Importar sin vista previa", "Importar sem pré-visualizar", "Import without preview"},
	"preview_counts":     {"%d filas: %d nuevos, %d a actualizar, %d sin cambios, %d con errores.", "%d linhas: %d novos, %d a atualizar, %d sem mudanças, %d com erros.", "%d rows: %d new, %d to update, %d unchanged, %d with errors."},
	"preview_partial":    {"Los conteos cubren las primeras %d de %d filas; el resto se revisa al importar.", "As contagens cobrem as primeiras %d de %d linhas; o resto é verificado na importação.", "The counts cover the first %d of %d rows; the rest is checked while importing."},
	"import_line":        {"Fila", "Linha", "Line"},
	"import_result":      {"Resultado", "Resultado", "Result"},
	"import_column":      {"Columna", "Coluna", "Column"},
	"outcome_created":    {"Nuevo", "Novo", "New"},
	"outcome_updated":    {"Se actualiza", "Atualizado", "Updated"},
	"outcome_unchanged":  {"Sin cambios", "Sem mudanças", "Unchanged"},
	"outcome_error":      {"Error", "Erro", "Error"},
	"all_errors":         {"Ver los %d errores", "Ver os %d erros", "See the %d errors"},
	"confirm_help":       {"Las filas con errores no se importan; las demás sí. Si el navegador lo pide, vuelva a elegir el archivo.", "Linhas com erros não são importadas; as demais sim. Se o navegador pedir, escolha o arquivo de novo.", "Rows with errors are skipped; the others are imported. If the browser asks, choose the file again."},
	"confirm_import":     {"Confirmar importación", "Confirmar importação", "Confirm import"},
	"import_queued":      {"En cola", "Na fila", "Queued"},
	"import_running":     {"Importando…", "Importando…", "Importing…"},
	"import_done":        {"Importación terminada", "Importação concluída", "Import finished"},
	"import_failed":      {"La importación se detuvo", "A importação parou", "The import stopped"},
	"import_progress":    {"Progreso", "Progresso", "Progress"},
	"import_rows":        {"%d de %d filas procesadas", "%d de %d linhas processadas", "%d of %d rows processed"},
	"import_counts":      {"%d nuevos · %d actualizados · %d sin cambios · %d con errores", "%d novos · %d atualizados · %d sem mudanças · %d com erros", "%d new · %d updated · %d unchanged · %d with errors"},
	"error_report":       {"Informe de errores", "Relatório de erros", "Error report"},
	"download_errors":    {"Descargar errores (CSV)", "Baixar erros (CSV)", "Download errors (CSV)"},
	"no_import_errors":   {"Ninguna fila tuvo errores.", "Nenhuma linha teve erros.", "No row had errors."},
	"import_too_large":   {"El archivo supera los 50 MB: divídalo en archivos más pequeños.", "O arquivo passa de 50 MB: divida-o em arquivos menores.", "The file is over 50 MB: split it into smaller files."},
	"import_choose_file": {"Elija un archivo CSV.", "Escolha um arquivo CSV.", "Choose a CSV file."},
}

func init() {
	for k, v := range groupsStrings {
		catalog[k] = v
	}
}
