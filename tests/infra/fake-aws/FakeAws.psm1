# Starting and addressing tests/infra/fake-aws from Pester (Aws.Tests.ps1, contract/Aws.contract.ps1).

function Start-FakeAws {
    <# Starts fake_aws.py on a free port; returns @{ Process; Url }. #>
    param([Parameter(Mandatory)][string]$AccessKey, [Parameter(Mandatory)][string]$SecretKey, [string]$Python = 'python3',
        [string]$LogPath, [string[]]$FunctionEnv, [string[]]$ExtraArguments)
    $psi = [Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @((Join-Path $PSScriptRoot 'fake_aws.py'), '--port', '0', '--access-key', $AccessKey, '--secret-key', $SecretKey,
            '--python', $Python, '--state-delay', '0.2')) { $psi.ArgumentList.Add($a) }
    if ($LogPath) { $psi.ArgumentList.Add('--log'); $psi.ArgumentList.Add($LogPath) }
    foreach ($e in $FunctionEnv) { $psi.ArgumentList.Add('--function-env'); $psi.ArgumentList.Add($e) }
    foreach ($a in $ExtraArguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $line = $p.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000) -or $line.Result -notmatch '^READY (\d+)') { $p.Kill(); throw "fake AWS did not start: $($line.Result) $($p.StandardError.ReadToEnd())" }
    [pscustomobject]@{ Process = $p; Url = "http://127.0.0.1:$($Matches[1])" }
}

function Stop-FakeAws([Parameter(Mandatory)]$Fake) {
    if ($Fake.Process -and -not $Fake.Process.HasExited) { $Fake.Process.Kill(); $Fake.Process.WaitForExit(5000) | Out-Null }
}

function New-FakeAwsConfig {
    <# A Sebs config whose AWS endpoints are the fake (Lambda, IAM, STS, Logs) and the S3/DynamoDB emulators. #>
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$Endpoint, [Parameter(Mandatory)]$Services,
        [string]$ResourcesId = 'pester01', [string]$Region = 'us-east-1', [string]$AccessKey, [string]$SecretKey, [hashtable]$ImageBase)
    $aws = [ordered]@{
        region          = $Region
        resources       = @{ resources_id = $ResourcesId }
        endpoints       = @{ lambda = $Endpoint; iam = $Endpoint; sts = $Endpoint; logs = $Endpoint; apigateway = $Endpoint; ecr = $Endpoint
            s3 = "http://$($Services.SEBS_TEST_S3_ENDPOINT)"; dynamodb = "http://$($Services.SEBS_TEST_DYNAMODB_ENDPOINT)" }
        'poll-interval' = 0.1
    }
    if ($ImageBase) { $aws.'image-base' = $ImageBase }
    if ($AccessKey) { $aws.credentials = @{ access_key = $AccessKey; secret_key = $SecretKey } }
    @{ experiments = @{ architecture = 'x64' }; deployment = @{ name = 'aws'; aws = $aws } } | ConvertTo-Json -Depth 6 | Set-Content $Path
    $Path
}

function Get-FakeAwsFunctions([Parameter(Mandatory)]$Fake) { (Invoke-RestMethod "$($Fake.Url)/__fake/functions") | ForEach-Object { $_ } }

function Set-FakeAws {
    <# Test knobs of the fake: the account concurrency limit ($null = none) and the Function URL permission propagation delay. #>
    param([Parameter(Mandatory)]$Fake, [Nullable[int]]$ConcurrencyLimit, [double]$UrlPermissionDelay = -1)
    $body = @{}
    if ($PSBoundParameters.ContainsKey('ConcurrencyLimit')) { $body.concurrencyLimit = $ConcurrencyLimit }
    if ($UrlPermissionDelay -ge 0) { $body.urlPermissionDelay = $UrlPermissionDelay }
    Invoke-RestMethod -Method Post "$($Fake.Url)/__fake/settings" -Body ($body | ConvertTo-Json) -ContentType 'application/json'
}

Export-ModuleMember -Function Start-FakeAws, Stop-FakeAws, New-FakeAwsConfig, Get-FakeAwsFunctions, Set-FakeAws
