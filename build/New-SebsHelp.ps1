<#
.SYNOPSIS
    Builds the module's MAML help (Sebs.Cmdlets.dll-Help.xml) and about topics from docs/en-US/*.md.
.DESCRIPTION
    Prose (synopsis, description, examples, parameter descriptions, notes, links) comes from one markdown file
    per cmdlet, in the shape described in docs/README.md. Everything that code already knows (syntax, parameter
    sets, types, mandatory, position, pipeline input, wildcards, aliases, valid values, defaults, output types)
    comes from the built module's own metadata, so the help cannot drift from the cmdlets.
    Run it in its own pwsh process: it imports the module, and a binary module cannot be unloaded.
.PARAMETER DocsPath
    Folder with <Verb-Noun>.md and about_*.md files.
.PARAMETER OutputPath
    Culture folder of the laid-out module (out/Sebs/en-US); created if missing.
.PARAMETER ModulePath
    The built module's manifest (out/Sebs/Sebs.psd1).
.PARAMETER Strict
    Fail (exit 1) instead of warning when a cmdlet has no markdown file or a parameter has no description.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$DocsPath,
    [Parameter(Mandatory)][string]$OutputPath,
    [Parameter(Mandatory)][string]$ModulePath,
    [switch]$Strict
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$script:problems = [System.Collections.Generic.List[string]]::new()

function Write-Problem([string]$Message) {
    # A parameter shows up once per parameter set; say each problem once.
    if ($script:problems.Contains($Message)) { return }
    $script:problems.Add($Message)
    Write-Warning $Message
}

#region markdown

# Splits markdown into lines and marks which lines are inside fenced code blocks, so a '#' in code is not a heading.
function Split-Markdown([string]$Text) {
    $lines = $Text -replace "`r`n", "`n" -split "`n"
    $inFence = $false
    foreach ($line in $lines) {
        $isFence = $line -match '^\s*(```|~~~)'
        [pscustomobject]@{ Text = $line; InCode = ($inFence -or $isFence); IsFence = $isFence }
        if ($isFence) { $inFence = -not $inFence }
    }
}

# Groups lines under headings of one level: returns ordered @{ heading = lines[] } plus '' for text before the first.
function Group-ByHeading($Lines, [int]$Level) {
    $marker = '#' * $Level
    $groups = [ordered]@{ '' = [System.Collections.Generic.List[object]]::new() }
    $current = ''
    foreach ($l in $Lines) {
        if (-not $l.InCode -and $l.Text -match "^$marker\s+(.+?)\s*#*\s*$" -and $l.Text -notmatch "^$marker#") {
            $current = $Matches[1].Trim()
            $groups[$current] = [System.Collections.Generic.List[object]]::new()
            continue
        }
        $groups[$current].Add($l)
    }
    $groups
}

# Prose lines (code blocks dropped) -> paragraphs; blank lines separate, wrapped lines are joined.
function ConvertTo-Paragraphs($Lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    $buf = [System.Collections.Generic.List[string]]::new()
    $flush = { if ($buf.Count) { $paras.Add(($buf -join ' ').Trim()); $buf.Clear() } }
    foreach ($l in $Lines) {
        if ($l.InCode) { & $flush; continue }
        $t = $l.Text.Trim()
        if ($t -eq '') { & $flush; continue }
        # A list item or table row starts a new line of its own.
        if ($t -match '^([-*+]|\d+\.|\|)\s') { & $flush }
        $buf.Add($t)
    }
    & $flush
    , $paras.ToArray()
}

function Get-CodeBlocks($Lines) {
    $blocks = [System.Collections.Generic.List[string]]::new()
    $buf = $null
    foreach ($l in $Lines) {
        if ($l.IsFence) {
            if ($null -eq $buf) { $buf = [System.Collections.Generic.List[string]]::new() }
            else { $blocks.Add(($buf -join "`n").TrimEnd()); $buf = $null }
            continue
        }
        if ($null -ne $buf) { $buf.Add($l.Text) }
    }
    , $blocks.ToArray()
}

function ConvertFrom-HelpMarkdown([string]$Path) {
    $lines = @(Split-Markdown (Get-Content -Raw -LiteralPath $Path))
    $top = Group-ByHeading $lines 1
    $titles = @($top.Keys | Where-Object { $_ -ne '' })
    if ($titles.Count -ne 1) { throw "${Path}: expected exactly one '# Verb-Noun' heading, found $($titles.Count)" }
    $name = $titles[0]
    $sections = Group-ByHeading $top[$name] 2
    $get = { param($key) if ($sections.Contains($key)) { $sections[$key] } else { @() } }

    $doc = [ordered]@{
        Name        = $name
        Synopsis    = (ConvertTo-Paragraphs (& $get 'SYNOPSIS')) -join ' '
        Description = ConvertTo-Paragraphs (& $get 'DESCRIPTION')
        Examples    = [System.Collections.Generic.List[object]]::new()
        Parameters  = @{}
        Defaults    = @{}
        Inputs      = @{}
        Outputs     = @{}
        Notes       = ConvertTo-Paragraphs (& $get 'NOTES')
        Links       = [System.Collections.Generic.List[object]]::new()
        Path        = $Path
    }
    $examples = Group-ByHeading (& $get 'EXAMPLES') 3
    foreach ($title in @($examples.Keys | Where-Object { $_ -ne '' })) {
        $doc.Examples.Add([pscustomobject]@{
            Title   = $title
            Code    = (Get-CodeBlocks $examples[$title]) -join "`n`n"
            Remarks = ConvertTo-Paragraphs $examples[$title]
        })
    }
    $params = Group-ByHeading (& $get 'PARAMETERS') 3
    foreach ($key in @($params.Keys | Where-Object { $_ -ne '' })) {
        # platyPS-style files carry a yaml block of facts under each parameter; the facts come from code here.
        # A paragraph "Default value: X" states the default where the code's initial value does not (0 = "from the config").
        [string[]]$paras = ConvertTo-Paragraphs $params[$key]
        $name = $key.TrimStart('-').Trim()
        $stated = @($paras | Where-Object { $_ -like 'Default value: *' })
        if ($stated) { $doc.Defaults[$name] = $stated[0].Substring('Default value: '.Length).Trim() }
        $doc.Parameters[$name] = [string[]]@($paras | Where-Object { $_ -notlike 'Default value: *' })
    }
    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        $types = Group-ByHeading (& $get $kind) 3
        foreach ($key in @($types.Keys | Where-Object { $_ -ne '' })) {
            $doc[$kind.Substring(0, 1) + $kind.Substring(1).ToLowerInvariant()][$key] = ConvertTo-Paragraphs $types[$key]
        }
    }
    foreach ($l in (& $get 'RELATED LINKS')) {
        if ($l.InCode -or $l.Text -notmatch '^\s*[-*+]\s+(.+?)\s*$') { continue }
        $item = $Matches[1]
        if ($item -match '^\[(.+?)\]\((.*?)\)$') {
            # Only absolute links are URIs for Get-Help -Online; a topic name ('about_Sebs') is text alone.
            $text, $target = $Matches[1], $Matches[2]
            $doc.Links.Add([pscustomobject]@{ Text = $text; Uri = $(if ($target -match '^https?://') { $target } else { '' }) })
        }
        elseif ($item -match '^<?(https?://\S+?)>?$') { $doc.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[1] }) }
        else { $doc.Links.Add([pscustomobject]@{ Text = $item; Uri = '' }) }
    }
    [pscustomobject]$doc
}

# An about_ topic in markdown -> the classic plain-text layout Get-Help shows (and reads the synopsis from):
# '# about_X' -> TOPIC, '## HEADING' -> HEADING at column 0, '### Sub' -> sub-heading indented 4, body indented 4
# (8 under a sub-heading), fences dropped with their code kept.
function ConvertTo-AboutText([string]$Markdown) {
    $out = [System.Text.StringBuilder]::new()
    $indent = '    '
    foreach ($l in Split-Markdown $Markdown) {
        if ($l.IsFence) { continue }
        $t = $l.Text
        if (-not $l.InCode -and $t -match '^#\s+(.+)$') { [void]$out.AppendLine('TOPIC').AppendLine("    $($Matches[1].Trim())"); $indent = '    '; continue }
        if (-not $l.InCode -and $t -match '^##\s+(.+)$') { [void]$out.AppendLine().AppendLine($Matches[1].Trim().ToUpperInvariant()); $indent = '    '; continue }
        if (-not $l.InCode -and $t -match '^###\s+(.+)$') { [void]$out.AppendLine().AppendLine("    $($Matches[1].Trim())"); $indent = '        '; continue }
        if ($t.Trim() -eq '') { [void]$out.AppendLine(); continue }
        [void]$out.AppendLine($indent + $t.TrimEnd())
    }
    ($out.ToString() -replace '(\r?\n){3,}', "`n`n").TrimStart()
}

#endregion

#region metadata

# A type as help shows it: 'String[]', 'Nullable' unwrapped, generics as 'List[String]'; -Full adds namespaces.
function Get-TypeDisplayName([type]$Type, [switch]$Full) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-TypeDisplayName $underlying -Full:$Full }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType() -Full:$Full) + '[]' }
    # FullName keeps nested types ('Outer+Inner'); for a closed generic it ends in '[[...]]', dropped here.
    $name = if ($Full -and $Type.FullName) { $Type.FullName -replace '\[.*$' } else { $Type.Name }
    if ($Type.IsGenericType) {
        $typeArgs = $Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ -Full:$Full }
        return ($name -replace '`\d+$') + '[' + ($typeArgs -join ', ') + ']'
    }
    $name
}

$script:excluded = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
[System.Management.Automation.Cmdlet]::CommonParameters | ForEach-Object { [void]$script:excluded.Add($_) }
# -WhatIf/-Confirm stay in the help (users need to see them); the rest of the optional common ones do not.
[System.Management.Automation.Cmdlet]::OptionalCommonParameters |
    Where-Object { $_ -notin 'WhatIf', 'Confirm' } | ForEach-Object { [void]$script:excluded.Add($_) }

$script:standardText = @{
    WhatIf  = @('Shows what would happen if the cmdlet runs. The cmdlet is not run.')
    Confirm = @('Prompts you for confirmation before running the cmdlet.')
}

function Get-PipelineText($ParameterInfo) {
    $kinds = @()
    if ($ParameterInfo.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($ParameterInfo.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

# Defaults as a fresh instance of the cmdlet class holds them (properties with initialisers).
function Get-DefaultValues([System.Management.Automation.CmdletInfo]$Cmd) {
    $defaults = @{}
    try { $instance = [Activator]::CreateInstance($Cmd.ImplementingType) } catch { return $defaults }
    foreach ($p in $Cmd.Parameters.Values) {
        $prop = $Cmd.ImplementingType.GetProperty($p.Name)
        if (-not $prop -or -not $prop.CanRead) { continue }
        try { $value = $prop.GetValue($instance) } catch { continue }
        if ($null -eq $value) { continue }
        if ($value -is [System.Management.Automation.SwitchParameter]) { if ($value.IsPresent) { $defaults[$p.Name] = 'True' }; continue }
        if ($value -is [array] -and $value.Count -eq 0) { continue }
        if ($value -is [bool] -and -not $value) { continue }
        # An unset number or empty string means "not given" (the config or the benchmark decides), not a default.
        if ($value -is [string] -and $value -eq '') { continue }
        if ($value -is [ValueType] -and $value -isnot [enum] -and $value -eq 0) { continue }
        $defaults[$p.Name] = if ($value -is [array]) { $value -join ', ' } else { [string]$value }
    }
    $defaults
}

function Get-ValidValues($ParameterMetadata) {
    $set = $ParameterMetadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return , @($set.ValidValues) }
    $t = $ParameterMetadata.ParameterType
    if ($t.IsArray) { $t = $t.GetElementType() }
    $u = [Nullable]::GetUnderlyingType($t); if ($u) { $t = $u }
    if ($t.IsEnum) { return , [string[]][Enum]::GetNames($t) }
    , @()
}

#endregion

#region MAML

function Write-Paras([System.Xml.XmlWriter]$W, [string[]]$Paras) {
    $W.WriteStartElement('maml', 'description', $ns.maml)
    if (-not $Paras) { $Paras = @('') }
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter]$W, [string]$Name, $Metadata, [bool]$Required, [string]$Position,
    [string]$Pipeline, [string[]]$Description, $Default, [bool]$InSyntax) {
    $type = $Metadata.ParameterType
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    $globbing = [bool]($Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $type.IsArray.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Pipeline)
    $W.WriteAttributeString('position', $Position)
    $W.WriteAttributeString('aliases', $(if ($Metadata.Aliases.Count) { $Metadata.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $Name)
    Write-Paras $W $Description
    $valid = Get-ValidValues $Metadata
    if ($valid.Count -and $InSyntax) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $valid) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not $isSwitch) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', 'true')
        $W.WriteAttributeString('variableLength', $type.IsArray.ToString().ToLowerInvariant())
        $W.WriteString((Get-TypeDisplayName $type))
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, (Get-TypeDisplayName $type -Full))
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($null -ne $Default) { $Default } elseif ($isSwitch) { 'False' } else { 'None' }))
    $W.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter]$W, [System.Management.Automation.CmdletInfo]$Cmd, $Doc) {
    $descriptionOf = {
        param($name)
        if ($Doc.Parameters.ContainsKey($name) -and $Doc.Parameters[$name].Count) { return , $Doc.Parameters[$name] }
        if ($script:standardText.ContainsKey($name)) { return , $script:standardText[$name] }
        Write-Problem "$($Cmd.Name): parameter -$name has no description in $($Doc.Path)"
        , @()
    }
    foreach ($documented in $Doc.Parameters.Keys) {
        if (-not $Cmd.Parameters.ContainsKey($documented)) {
            Write-Problem "$($Cmd.Name): $($Doc.Path) documents -$documented, which the cmdlet does not have"
        }
    }
    $defaults = Get-DefaultValues $Cmd
    foreach ($key in $Doc.Defaults.Keys) { $defaults[$key] = $Doc.Defaults[$key] }
    $params = @($Cmd.Parameters.Values | Where-Object { -not $script:excluded.Contains($_.Name) })

    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $W.WriteAttributeString('xmlns', 'command', $null, $ns.command)
    $W.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Cmd.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $Cmd.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Cmd.Noun)
    Write-Paras $W @($Doc.Synopsis)
    $W.WriteEndElement()

    Write-Paras $W $Doc.Description

    # Syntax: one item per parameter set, positional parameters first in position order, then declaration order.
    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Cmd.ParameterSets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Cmd.Name)
        $inSet = @($set.Parameters | Where-Object { -not $script:excluded.Contains($_.Name) })
        $ordered = @($inSet | Where-Object Position -ge 0 | Sort-Object Position) + @($inSet | Where-Object Position -lt 0)
        foreach ($p in $ordered) {
            Write-Parameter $W $p.Name $Cmd.Parameters[$p.Name] $p.IsMandatory `
                $(if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }) (Get-PipelineText $p) `
                (& $descriptionOf $p.Name) $defaults[$p.Name] $true
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Parameters: each once, with the facts of its sets (mandatory only when mandatory in every set).
    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($meta in $params) {
        $infos = @($Cmd.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $meta.Name)
        $required = @($infos | Where-Object { -not $_.IsMandatory }).Count -eq 0
        $positions = @($infos | Where-Object Position -ge 0 | ForEach-Object Position | Sort-Object -Unique)
        $pipelineInfo = [pscustomobject]@{
            ValueFromPipeline               = [bool]($infos | Where-Object ValueFromPipeline)
            ValueFromPipelineByPropertyName = [bool]($infos | Where-Object ValueFromPipelineByPropertyName)
        }
        Write-Parameter $W $meta.Name $meta $required $(if ($positions.Count -eq 1) { [string]$positions[0] } else { 'named' }) `
            (Get-PipelineText $pipelineInfo) (& $descriptionOf $meta.Name) $defaults[$meta.Name] $false
    }
    $W.WriteEndElement()

    # Inputs: the types of parameters that bind from the pipeline.
    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    $piped = @($params | Where-Object { $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } })
    if (-not $piped) { $piped = @($null) }
    foreach ($meta in $piped) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev)
        $typeName = if ($meta) { Get-TypeDisplayName $meta.ParameterType -Full } else { 'None' }
        $W.WriteElementString('maml', 'name', $ns.maml, $typeName)
        $W.WriteEndElement()
        $text = if (-not $meta) { @('This cmdlet does not take pipeline input.') }
        else {
            $sets = @($meta.ParameterSets.Values)
            $how = @(); if ($sets | Where-Object ValueFromPipeline) { $how += 'by value' }
            if ($sets | Where-Object ValueFromPipelineByPropertyName) { $how += "by property name ($(@($meta.Name) + $meta.Aliases -join ', '))" }
            @("Binds to -$($meta.Name) $($how -join ' and ').")
        }
        $extra = if ($meta) { $Doc.Inputs.Keys | Where-Object { $_ -eq $typeName -or $_ -eq (Get-TypeDisplayName $meta.ParameterType) } | ForEach-Object { $Doc.Inputs[$_] } }
        Write-Paras $W (@($text) + @($extra))
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($out in $Cmd.OutputType) {
        $W.WriteStartElement('command', 'returnValue', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev)
        $W.WriteElementString('maml', 'name', $ns.maml, $out.Name)
        $W.WriteEndElement()
        $short = ($out.Name -split '\.')[-1]
        Write-Paras $W @($Doc.Outputs.Keys | Where-Object { $_ -eq $out.Name -or $_ -eq $short } | ForEach-Object { $Doc.Outputs[$_] })
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    if ($Doc.Notes.Count) {
        $W.WriteStartElement('maml', 'alertSet', $ns.maml)
        $W.WriteStartElement('maml', 'alert', $ns.maml)
        foreach ($p in $Doc.Notes) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
        $W.WriteEndElement()
        $W.WriteEndElement()
    }

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($ex in $Doc.Examples) {
        if (-not $ex.Code) { Write-Problem "$($Cmd.Name): example '$($ex.Title)' in $($Doc.Path) has no code block" }
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "--------- $($ex.Title) ---------")
        $W.WriteElementString('dev', 'code', $ns.dev, $ex.Code)
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($p in $(if ($ex.Remarks.Count) { $ex.Remarks } else { @('') })) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in $Doc.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $link.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $link.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

#endregion

Import-Module (Resolve-Path -LiteralPath $ModulePath).Path -Force
$module = Get-Module -Name ([IO.Path]::GetFileNameWithoutExtension($ModulePath)) | Select-Object -First 1
if (-not $module) { throw "Importing $ModulePath did not load a module named after it" }
$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$docs = @{}
if (Test-Path -LiteralPath $DocsPath) {
    foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object Name -notlike 'about_*') {
        $doc = ConvertFrom-HelpMarkdown $file.FullName
        if ($doc.Name -ne $file.BaseName) { Write-Problem "$($file.FullName): heading '# $($doc.Name)' does not match the file name" }
        $docs[$doc.Name] = $doc
    }
    foreach ($about in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md') {
        $text = ConvertTo-AboutText (Get-Content -Raw -LiteralPath $about.FullName)
        [IO.File]::WriteAllText((Join-Path $OutputPath ($about.BaseName + '.help.txt')), $text, [System.Text.UTF8Encoding]::new($false))
    }
}
foreach ($name in $docs.Keys) {
    if ($name -notin $cmdlets.Name) { Write-Problem "docs: $name.md describes a cmdlet the module does not export" }
}

# The help file is named after the assembly that implements the cmdlets (Get-Help looks for <dll>-Help.xml).
$byAssembly = $cmdlets | Group-Object { [IO.Path]::GetFileName($_.ImplementingType.Assembly.Location) }
foreach ($group in $byAssembly) {
    $target = Join-Path $OutputPath "$($group.Name)-Help.xml"
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($target, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        $count = 0
        foreach ($cmd in $group.Group) {
            if (-not $docs.ContainsKey($cmd.Name)) {
                Write-Problem "$($cmd.Name) has no help: add $(Join-Path $DocsPath "$($cmd.Name).md")"
                continue
            }
            Write-CommandHelp $writer $cmd $docs[$cmd.Name]
            $count++
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
    Write-Host "help: $count of $($group.Count) cmdlets -> $target"
}

if ($Strict -and $script:problems.Count) {
    Write-Error "$($script:problems.Count) help problem(s); see the warnings above" -ErrorAction Continue
    exit 1
}
