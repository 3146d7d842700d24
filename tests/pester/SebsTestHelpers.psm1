# Helpers shared by the Pester suites.

# Reads out/services.env (written by tests/infra/start-services.sh) into a hashtable.
function Get-SebsTestServices {
    $file = Join-Path $PSScriptRoot '../../out/services.env'
    $values = @{}
    if (Test-Path $file) {
        foreach ($line in Get-Content $file) {
            if ($line -match '^\s*([A-Z0-9_]+)=(.*)$') { $values[$Matches[1]] = $Matches[2] }
        }
    }
    $values
}

# A SeBS config whose local object storage is the S3 emulator the test services started.
function New-SebsS3TestConfig {
    param([Parameter(Mandatory)][string]$Path)
    $s = Get-SebsTestServices
    if (-not $s.SEBS_TEST_S3_ENDPOINT) { throw 'No S3 emulator: run tests/infra/start-services.sh (./build.sh test does).' }
    @{
        experiments = @{ update_code = $false; update_storage = $false; download_results = $false; architecture = 'x64' }
        deployment  = @{
            name  = 'local'
            local = @{ storage = @{ object = @{ type = 'minio'; minio = @{
                address = $s.SEBS_TEST_S3_ENDPOINT; access_key = $s.SEBS_TEST_S3_ACCESS_KEY; secret_key = $s.SEBS_TEST_S3_SECRET_KEY } } } }
        }
    } | ConvertTo-Json -Depth 10 | Set-Content -Path $Path
    $Path
}

# Stops the sandboxes of every function in every cache below Root (tests use one cache per case).
function Remove-SebsTestFunctions {
    param([Parameter(Mandatory)][string]$Root)
    if (-not (Test-Path $Root)) { return }
    $caches = Get-ChildItem -Path $Root -Recurse -Filter config.json -File |
        Where-Object { $_.Directory.Name -match '^\d{3}\.' } |
        ForEach-Object { $_.Directory.Parent.FullName } | Sort-Object -Unique
    # Each function records its own sandbox kind, so one pass stops process and container sandboxes alike.
    foreach ($c in $caches) {
        Get-SebsFunction -CachePath $c | Remove-SebsFunction -CachePath $c -Force -ErrorAction SilentlyContinue
    }
}

# Waits until a results journal holds at least Count lines, or the timeout passes (the caller's assertions then say why).
function Wait-SebsJournalLines {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][int]$Count, [int]$TimeoutSeconds = 90, [int]$PollMilliseconds = 200)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Date) -lt $deadline -and -not ((Test-Path $Path) -and @(Get-Content $Path).Count -ge $Count)) { Start-Sleep -Milliseconds $PollMilliseconds }
}

Export-ModuleMember -Function Get-SebsTestServices, New-SebsS3TestConfig, Remove-SebsTestFunctions, Wait-SebsJournalLines
